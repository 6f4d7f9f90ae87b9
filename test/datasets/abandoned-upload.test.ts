import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { leftoversUnder } from './fixtures/storage.ts';
import { csvRows, csvUploadHead, startRawUpload } from './fixtures/raw-upload.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

/** Bytes of upload parts on disk under the storage root's tmp/: proof the server is receiving. */
async function bytesReceived(storageDir: string): Promise<number> {
  const tmp = path.join(storageDir, 'tmp');
  const entries = await readdir(tmp, { recursive: true, withFileTypes: true }).catch(() => []);
  const sizes = await Promise.all(entries.filter((e) => e.isFile()).map((e) => stat(path.join(e.parentPath, e.name)).then((s) => s.size, () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Nothing may remain 15 s after the client is gone (the bound); we poll until it is so. */
const GONE_WITHIN = { timeout: 15_000, interval: 100 };

describe('an upload that stops mid-body leaves nothing behind', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp({ UPLOAD_IDLE_TIMEOUT_S: '1' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    team = await createTeam(t.config);
  });
  afterAll(async () => t?.close());

  it('a client gone mid-body: its temporary files are removed', async () => {
    const upload = await startRawUpload(t.app.server, team.auth, csvUploadHead() + csvRows(2000));
    await vi.waitFor(async () => expect(await bytesReceived(t.config.storageDir)).toBeGreaterThan(0), GONE_WITHIN);
    upload.socket.destroy();
    await vi.waitFor(async () => expect(await leftoversUnder(t.config.storageDir)).toEqual([]), GONE_WITHIN);
    expect((await t.app.db.dataset.count({ where: { teamId: team.id } }))).toBe(0);
  });

  it('a body that goes idle: 408 REQUEST_TIMEOUT, the connection closed by the server, its files removed', async () => {
    const upload = await startRawUpload(t.app.server, team.auth, csvUploadHead() + csvRows(2000));
    await upload.closed;
    const answer = upload.received();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code).toBe('REQUEST_TIMEOUT');
    await vi.waitFor(async () => expect(await leftoversUnder(t.config.storageDir)).toEqual([]), GONE_WITHIN);
    expect((await t.app.db.dataset.count({ where: { teamId: team.id } }))).toBe(0);
  });

  it('a body idle between two parts also times out', async () => {
    const upload = await startRawUpload(t.app.server, team.auth, csvUploadHead().split('--trainyard-raw-upload\r\ncontent-disposition: form-data; name="file"')[0]);
    await upload.closed;
    expect(upload.received()).toMatch(/^HTTP\/1\.1 408 /);
    await vi.waitFor(async () => expect(await leftoversUnder(t.config.storageDir)).toEqual([]), GONE_WITHIN);
  });
});
