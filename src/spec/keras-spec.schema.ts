import { z } from 'zod';

/**
 * `model: { keras }`: the document Keras's `model.to_json()` writes, as an object or as the
 * string itself. Read by tfjs's own deserializer (see keras-model.ts); here we only check
 * that it is a JSON object naming a class.
 */
const kerasDocument = z.looseObject({ class_name: z.string().min(1).max(200), config: z.record(z.string(), z.unknown()) });

export const kerasModelSpecSchema = z
  .object({
    keras: z.union([
      z.string().transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: `not JSON: ${(err as Error).message}` });
          return z.NEVER;
        }
      }).pipe(kerasDocument),
      kerasDocument,
    ]),
  })
  .strict();
export type KerasModelSpec = z.infer<typeof kerasModelSpecSchema>;
