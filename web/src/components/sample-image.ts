import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.ts';

/** One image sample (pixels 0..255, [h, w, c] row-major) drawn on a canvas, scaled up crisp by CSS. */
export function SampleImage({ features, shape, label }: { features: number[]; shape: number[]; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [height, width, channels] = shape;
  useEffect(() => {
    const ctx = canvas.current!.getContext('2d')!;
    const image = ctx.createImageData(width, height);
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) image.data[p * 4 + c] = features[p * channels + (channels === 1 ? 0 : c)];
      image.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }, [features]);
  return html`<figure class="sample"><canvas ref=${canvas} width=${width} height=${height} role="img" aria-label=${`sample labelled ${label}`}></canvas><figcaption>${label}</figcaption></figure>`;
}
