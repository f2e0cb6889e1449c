/**
 * `demo life <demo-dir> <connections-dir>`: brings a devnet to life through the product's
 * own interfaces, as its users would (never writing the database): on a devnet not seeded
 * yet, declarations on both sides in every state of the life cycle; on every start, five
 * sealed trucks driving their routes with signed readings, one reporting its lock tampered
 * with (the gateway's monitor raises the alarm, which holds its declarations), and the lane
 * device at Lok Ma Chau deciding GO or INSPECT as trucks arrive. Runs until SIGINT/SIGTERM.
 * Its input (gateway URL, officers' passwords, tag keys, when npm start began) comes as JSON
 * on standard input, so no secret is on the command line.
 */
import { ID_PATTERN } from '@clearance/domain';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { Fleet } from './fleet';
import { MadeSchema } from './made';
import { SCENES, sceneActs } from './scenes';
import { GOODS } from './goods';
import { TRUCKS, tripFor } from './trips';
import { DemoWorld, LifeInputSchema } from './world';

/** Written once the declarations in every state are on the ledger: a later start skips them. */
const SEEDED = 'life.json';
/** The seals of the trucks on the road: a later start removes those its trucks left. */
const ON_THE_ROAD = 'seals.json';
const OnTheRoadSchema = z.array(z.string().regex(ID_PATTERN));

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** One declaration per side in each state, the two of a scene sharing a consignment. */
async function seedScenes(world: DemoWorld): Promise<string[]> {
  const ids: string[] = [];
  await Promise.all(
    SCENES.flatMap((scene, i) =>
      (['GD', 'HK'] as const).map(async (jurisdiction) => {
        const id = `${jurisdiction}-${world.runTag}-${scene.toUpperCase()}`;
        const goods = GOODS[i % GOODS.length] ?? GOODS[0]!;
        await world.file(id, jurisdiction, `UCR-${world.runTag}-S${i + 1}`, goods, `ZM${3100 + i}`);
        await world.acts(id, sceneActs(scene, jurisdiction));
        ids.push(id);
      }),
    ),
  );
  return ids;
}

/** Polls `probe` every second until it answers, for up to `ms`. */
async function until<T>(ms: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return undefined;
}

/** Once the seal monitor lists every truck's seal: the time since npm start began. */
async function reportMonitor(world: DemoWorld, sealIds: string[]): Promise<void> {
  const listed = await until(60_000, async () => {
    const body = (await world.read('/v1/seals?state=APPLIED&limit=500')) as {
      items: { sealId: string }[];
    };
    const seen = new Set(body.items.map((s) => s.sealId));
    return sealIds.every((id) => seen.has(id)) ? true : undefined;
  });
  world.log(
    listed
      ? `the seal monitor lists ${sealIds.length} moving seals, ${seconds(world.input.startedAt)} s after npm start`
      : 'the seal monitor did not list the trucks within a minute',
  );
}

/** The tamper alarm, once the gateway's monitor has raised it on the ledger. */
async function reportAlarm(world: DemoWorld, sealId: string): Promise<void> {
  const alarm = await until(180_000, async () => {
    const track = (await world.read(`/v1/seals/${encodeURIComponent(sealId)}/track?limit=1`)) as {
      alarms: { kind: string; heldDeclarations: string[] }[];
    };
    return track.alarms[0];
  });
  if (alarm)
    world.log(
      `alarm ${alarm.kind} on ${sealId} recorded on the ledger; held: ${alarm.heldDeclarations.join(', ')}`,
    );
}

export async function runLifeCommand(args: string[]): Promise<void> {
  const [demoDir, connections] = args;
  if (!demoDir || !connections) throw new Error('usage: demo life <demo-dir> <connections-dir>');
  const input = LifeInputSchema.parse(JSON.parse(fs.readFileSync(0, 'utf8')));
  const made = MadeSchema.parse(
    JSON.parse(fs.readFileSync(path.join(demoDir, 'demo.json'), 'utf8')),
  );
  const log = (line: string) => console.log(`demo: ${line}`);
  const world = new DemoWorld(input, demoDir, connections, log);
  const roadFile = path.join(demoDir, ON_THE_ROAD);
  const fleet = new Fleet(world, (sealIds) =>
    fs.writeFileSync(roadFile, `${JSON.stringify(sealIds)}\n`),
  );
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    fleet.stop();
    await world.close();
    log('the trucks stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void close());
  process.on('SIGTERM', () => void close());

  await world.signIn(made.password);
  const seeded = fs.existsSync(path.join(demoDir, SEEDED));
  log(
    seeded
      ? 'this devnet has its demo declarations; five trucks set off again'
      : 'bringing the devnet to life: declarations in every state, five trucks on the road',
  );
  const scenes = seeded
    ? Promise.resolve()
    : seedScenes(world).then((ids) => {
        fs.writeFileSync(
          path.join(demoDir, SEEDED),
          `${JSON.stringify({ seededAt: new Date().toISOString(), declarations: ids }, null, 2)}\n`,
        );
        log(
          `${ids.length} declarations filed by the demo traders and worked by officers, GD and HK, in every state (${seconds(input.startedAt)} s after npm start)`,
        );
      });
  if (fs.existsSync(roadFile)) {
    const earlier = OnTheRoadSchema.parse(JSON.parse(fs.readFileSync(roadFile, 'utf8')));
    const removed = await fleet.clearEarlier(earlier);
    if (removed > 0) log(`customs removed the ${removed} seals of the trucks stopped last time`);
  }
  const sealIds = await fleet.start(TRUCKS, tripFor);
  log(
    `${sealIds.length} trucks sealed and driving (${seconds(input.startedAt)} s after npm start): ${sealIds.join(' ')}; T1 reaches Lok Ma Chau in about 30 s`,
  );
  const tampered = TRUCKS.findIndex((t) => t.tamperInS !== undefined);
  await Promise.all([
    fleet.run(),
    scenes,
    reportMonitor(world, sealIds),
    tampered >= 0 && sealIds[tampered] ? reportAlarm(world, sealIds[tampered]) : undefined,
  ]);
}
