/**
 * An image file as one instance shaped like the dataset's input ([h, w, c], values in [0, 255]
 * as uploaded images are before the run's own preprocessing), drawn onto a canvas at that size.
 */
export async function imageInstance(file: File, [height, width, channels]: number[]): Promise<number[][][]> {
  const bitmap = await createImageBitmap(file);
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  return Array.from({ length: height }, (_, y) =>
    Array.from({ length: width }, (_, x) => {
      const i = (y * width + x) * 4;
      const rgb = [data[i], data[i + 1], data[i + 2]];
      return channels === 1 ? [Math.round((rgb[0] + rgb[1] + rgb[2]) / 3)] : rgb;
    }),
  );
}
