import { z } from 'zod';
import type { BaseModel } from '../generated/prisma/client.ts';

/** An uploaded base model as the API answers it. `inputShape` holds null where the model takes any size. */
export const baseModelDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  format: z.string(),
  inputShape: z.array(z.number().int().nullable()),
  summary: z.unknown(),
  bytes: z.number().int(),
  createdAt: z.string(),
});
export type BaseModelDto = z.infer<typeof baseModelDtoSchema>;

export const baseModelPageSchema = z.object({ items: z.array(baseModelDtoSchema), nextCursor: z.string().nullable() });

/** Any-size dimensions are stored as -1: the column is an integer array. */
export const ANY_SIZE = -1;

export function toBaseModelDto(row: BaseModel): BaseModelDto {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    inputShape: row.inputShape.map((d) => (d === ANY_SIZE ? null : d)),
    summary: row.summary,
    bytes: Number(row.bytes),
    createdAt: row.createdAt.toISOString(),
  };
}
