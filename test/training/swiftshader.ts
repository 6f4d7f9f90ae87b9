import { existsSync, readFileSync } from 'node:fs';

const ICD = 'vk_swiftshader_icd.json';
// Where Debian's chromium-common puts it (outside the Vulkan loader's standard folders).
const KNOWN = ['/usr/lib/chromium/vk_swiftshader_icd.json'];

/**
 * Points the Vulkan loader at SwiftShader, the CPU Vulkan driver Chromium ships, so the webgpu
 * backend runs here without a GPU (Mesa's lavapipe is rejected by Dawn). Set in this process's
 * environment before Dawn starts, so the forked trainers and workers inherit it. Throws, and so
 * fails the test rather than skipping it, when the driver is missing.
 */
export function useSwiftShader(): string {
  const found = process.env.VK_ICD_FILENAMES ?? KNOWN.find((p) => existsSync(p)) ?? fromDpkg();
  if (!found || !existsSync(found)) {
    throw new Error(`SwiftShader's Vulkan driver (${ICD}) was not found: apt-get install libvulkan1 chromium-common (.ci/run does), or set VK_ICD_FILENAMES`);
  }
  process.env.VK_ICD_FILENAMES = found;
  return found;
}

/** The package's file list, as `dpkg -L chromium-common` reads it. */
function fromDpkg(): string | undefined {
  try {
    return readFileSync('/var/lib/dpkg/info/chromium-common.list', 'utf8').split('\n').find((line) => line.endsWith(`/${ICD}`));
  } catch {
    return undefined;
  }
}
