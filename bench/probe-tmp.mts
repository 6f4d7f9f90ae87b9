import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
for (const flags of [['adapter=zzz-no-such'], []]) {
  try {
    const gpu = create(flags);
    const a = await gpu.requestAdapter();
    console.log(flags, 'adapter', a?.info);
  } catch (e) { console.log(flags, 'ERR', (e as Error).message); }
}
process.exit(0);
