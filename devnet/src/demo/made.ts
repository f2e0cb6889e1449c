/** What `demo traders` records in <demo-dir>/demo.json: the authorities it listed and the traders' password. */
import { z } from 'zod';

export const MadeSchema = z.object({ authorities: z.array(z.string()), password: z.string() });
export type Made = z.infer<typeof MadeSchema>;
