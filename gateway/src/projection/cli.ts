#!/usr/bin/env node
/**
 * The index from the command line (FABRIC_CONNECTION and DATABASE_URL as for the gateway;
 * migrate needs DATABASE_URL only, and no command needs the gateway's other settings):
 *   index migrate [version] | run | rebuild | compare
 */
import { Pool } from 'pg';
import { ConfigError, loadIndexConfig } from '../config';
import { connectGateway, createFabricLedger } from '../ports/fabric-ledger';
import { compareIndex, rebuildIndex } from './commands';
import { startIndexer } from './listener';
import { migrate } from '../database/migrations';
import { createIndexStore } from './store';

const COMMANDS = ['migrate', 'run', 'rebuild', 'compare'];
const USAGE = 'usage: index migrate [version] | run | rebuild | compare';

async function main(command: string | undefined, arg: string | undefined): Promise<number> {
  if (!command || !COMMANDS.includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const config = loadIndexConfig(process.env, command);
  const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  try {
    if (!config.fabric) {
      console.log(
        `schema at version ${await migrate(pool, arg === undefined ? undefined : Number(arg))}`,
      );
      return 0;
    }
    const { fabric } = config;
    const { channel, chaincode } = fabric;
    await migrate(pool);
    if (command === 'compare') {
      const ledger = createFabricLedger(fabric);
      const { checked, differences, crossingsChecked, crossingDifferences, poison } =
        await compareIndex(pool, ledger);
      await ledger.close();
      for (const d of [
        ...differences.map((x) => ({ ...x, id: x.declarationId })),
        ...crossingDifferences.map((x) => ({ ...x, id: x.crossingId })),
      ])
        console.log(`${d.id} ${d.field}: index ${String(d.index)}, ledger ${String(d.ledger)}`);
      for (const p of poison)
        console.log(
          `poison event: block ${p.blockNumber} transaction ${p.transactionId} ${p.eventName}: ${p.error}`,
        );
      console.log(
        `${checked} declarations and ${crossingsChecked} crossings checked, ${differences.length + crossingDifferences.length} differences, ${poison.length} poison events`,
      );
      return differences.length + crossingDifferences.length + poison.length === 0 ? 0 : 1;
    }
    const { client, gateway } = connectGateway(fabric);
    try {
      const network = gateway.getNetwork(channel);
      if (command === 'rebuild') {
        console.log(
          `rebuilt from block 0: ${await rebuildIndex(pool, network, { channel, chaincode })} events indexed`,
        );
        return 0;
      }
      if (command === 'run') {
        const indexer = startIndexer({
          network,
          channel,
          chaincode,
          store: createIndexStore(pool),
          onError: (e) => console.error(e),
        });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await indexer.stop();
        return 0;
      }
    } finally {
      gateway.close();
      client.close();
    }
    console.error(USAGE);
    return 2;
  } finally {
    await pool.end();
  }
}

main(process.argv[2], process.argv[3]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `index: ${error.message}` : error);
    process.exit(1);
  },
);
