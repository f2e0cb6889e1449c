/** Each block of the bundle: its data hash, and its orderers' signatures under its configuration. */
import { toHex } from '@clearance/core';
import type { Bundle } from './bundle';
import type { ChannelConfig } from './config';
import { ordererSignatures, unreadable, type Configs } from './check-configuration';
import { dataHashOf, decodeBlockJson, type DecodedBlock } from './ledger';
import type { Results } from './results';

export interface VerifiedBlock {
  block: DecodedBlock;
  config?: ChannelConfig;
}

export async function verifyBlocks(
  bundle: Bundle,
  configs: Configs,
  results: Results,
): Promise<Map<string, VerifiedBlock>> {
  const out = new Map<string, VerifiedBlock>();
  for (const json of bundle.blocks) {
    const target = `block ${json.number}`;
    let block: DecodedBlock;
    try {
      block = await decodeBlockJson(json);
    } catch (error) {
      results.invalid('block.data-hash', target, 'BLOCK_MALFORMED', String(error));
      results.skipped('block.orderer-signatures', target, 'PREREQUISITE_FAILED');
      continue;
    }
    if (toHex(await dataHashOf(block)) === toHex(block.header.dataHash))
      results.valid('block.data-hash', target);
    else results.invalid('block.data-hash', target, 'DATA_HASH_MISMATCH');
    const config = block.signatures && configs.get(block.signatures.lastConfig);
    if (!block.signatures) results.invalid('block.orderer-signatures', target, 'NOT_SIGNED');
    else if (!config)
      results.invalid(
        'block.orderer-signatures',
        target,
        'CONFIG_NOT_IN_BUNDLE',
        `configuration block ${block.signatures.lastConfig}`,
      );
    else {
      const fault = await unreadable(() => ordererSignatures(block, config));
      if (fault) results.invalid('block.orderer-signatures', target, fault[0], fault[1]);
      else
        results.valid(
          'block.orderer-signatures',
          target,
          `under configuration block ${config.blockNumber}`,
        );
    }
    out.set(json.number, { block, config });
  }
  return out;
}
