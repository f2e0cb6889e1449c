/**
 * A recorded decision's draw recomputed by the recipe crossing-draw.ts (and the README)
 * gives in words, with the shell tools it names rather than this module's code.
 */
import { execFileSync } from 'node:child_process';
import { createBorder, createTestPki } from '@clearance/testkit/chaincode';
import { DRAW_VERSION } from '../crossings/crossing';

describe('the random draw, recomputed from its description', () => {
  it('printf | head -c -1 | sha256sum, the first 12 hex digits over 2^48, gives the recorded draw', async () => {
    const border = await createBorder(await createTestPki());
    await border.declaration('GD-I', 'GD');
    await border.device('EL-1', '04cc0000000001');
    await border.seal('SEAL-1', 'EL-1', ['GD-I']);
    await border.anchor('SEAL-1', 1, 10);
    const decisions = [];
    for (const counter of [1, 2, 3]) {
      await border.tap('SEAL-1', '04cc0000000001', counter);
      decisions.push(await border.decide('SEAL-1'));
    }
    const seal = await border.getSeal('SEAL-1');
    for (const record of decisions) {
      // The inputs, in the documented order.
      expect(record.draw.inputs).toEqual([
        DRAW_VERSION,
        record.decided.txId,
        'SEAL-1',
        'LMC',
        String(record.tap?.counter),
        seal.applied.txId,
      ]);
      const hex = execFileSync(
        'bash',
        [
          '-c',
          `printf '%s\\n' "$@" | head -c -1 | sha256sum | cut -c1-12`,
          'draw',
          ...record.draw.inputs,
        ],
        { encoding: 'utf8' },
      ).trim();
      const value = parseInt(hex, 16) / 2 ** 48;
      expect(value).toBe(record.draw.value);
      expect(record.draw.selected).toBe(value < record.draw.rate);
    }
  });
});
