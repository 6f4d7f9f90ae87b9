import request from 'supertest';
import type { Server } from 'node:http';
import { createPrismaClient } from '../../src/db/prisma-client.ts';
import { setTeamQuota, type TeamQuota } from '../../src/quotas/quotas.repository.ts';

/** The course's table: three quiz scores → final score. */
export const COURSE_TABLE = ['x1,x2,x3,y', '73,80,75,152', '93,88,93,185', '89,91,90,180', '96,98,100,196', '73,66,70,142'].join('\n');

export async function uploadTable(server: Server, auth: Record<string, string>, table = COURSE_TABLE) {
  return request(server).post('/v1/datasets').set(auth).field('format', 'csv').field('label', 'y').field('task', 'regression').attach('file', Buffer.from(table), 'scores.csv');
}

/** A one-unit linear regression; `epochs` sets how long it trains. */
export function linearRun(datasetId: string, extra: { epochs?: number; priority?: number } = {}) {
  return {
    datasetId,
    model: { layers: [{ type: 'dense', units: 1 }] },
    compile: { optimizer: { type: 'sgd', learningRate: 0.01 }, loss: 'meanSquaredError' },
    fit: { epochs: extra.epochs ?? 1, batchSize: 5 },
    ...(extra.priority !== undefined ? { priority: extra.priority } : {}),
  };
}

export async function setQuota(databaseUrl: string, teamId: string, quota: Partial<TeamQuota>) {
  const db = createPrismaClient(databaseUrl);
  try {
    await setTeamQuota(db, teamId, quota);
  } finally {
    await db.$disconnect();
  }
}
