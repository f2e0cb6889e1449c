/** Ear tags as an officer types or pastes them (or the RFID reader fills them in). */
import { EarTagSchema } from '@clearance/domain';

/** One per line, or separated by commas, semicolons or spaces; repeats counted once. */
export function parseEarTags(text: string): { tags: string[]; bad: string[] } {
  const words = [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
  return {
    tags: words.filter((w) => EarTagSchema.safeParse(w).success),
    bad: words.filter((w) => !EarTagSchema.safeParse(w).success),
  };
}
