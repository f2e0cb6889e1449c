#!/usr/bin/env node
/**
 * The checkpoint agent as a process: one JSON line on stdout per tap (and per reader that
 * appears), errors as JSON lines on stderr; `--post URL` also sends each tap to the
 * gateway, signed in as the officer whose session token is in GATEWAY_TOKEN (a token is
 * kept out of the command line, where other users of the machine could read it). Stops
 * on SIGINT/SIGTERM. `--decide NORTHBOUND|SOUTHBOUND` (with `--post`) then asks for the
 * boundary decision on each recorded tap and prints it as a `decision` line.
 *
 *   GATEWAY_TOKEN=<token> seal-checkpoint-agent [--reader <regex>] [--control-point LMC] [--post <gateway>/v1/seals/checks] [--decide NORTHBOUND]
 */
import { sunParameters } from '@clearance/domain/node';
import { CheckpointAgentError, startCheckpointAgent, type Tap } from './agent';
import { isRecordedTap, parseDirection, requestDecision } from './decide';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const readerPattern = option('--reader');
const postUrl = option('--post');
const controlPoint = option('--control-point');
const direction = process.argv.includes('--decide')
  ? parseDirection(option('--decide'))
  : undefined;
const line = (stream: NodeJS.WriteStream, value: unknown) =>
  stream.write(`${JSON.stringify(value)}\n`);

async function report(tap: Tap): Promise<void> {
  const body = {
    reader: tap.reader,
    uid: tap.uid,
    url: tap.url,
    ...sunParameters(tap.sun),
    at: tap.at,
  };
  line(process.stdout, { type: 'tap', ...body });
  if (!postUrl) return;
  const res = await fetch(postUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(process.env.GATEWAY_TOKEN
        ? { authorization: `Bearer ${process.env.GATEWAY_TOKEN}` }
        : {}),
    },
    body: JSON.stringify({ controlPoint, url: tap.url, reader: tap.reader, at: tap.at }),
  });
  const answer = (await res.json().catch(() => null)) as unknown;
  if (res.ok) {
    line(process.stdout, { type: 'recorded', status: res.status, body: answer });
    if (direction && controlPoint && isRecordedTap(answer)) {
      const decision = await requestDecision(
        fetch,
        { checksUrl: postUrl, token: process.env.GATEWAY_TOKEN, controlPoint, direction },
        answer,
      );
      line(decision.status < 300 ? process.stdout : process.stderr, {
        type: 'decision',
        ...decision,
      });
    }
  } else
    line(process.stderr, {
      type: 'error',
      message: `gateway answered ${res.status}`,
      body: answer,
    });
}

function start(): { close(): void } {
  try {
    return startCheckpointAgent({
      ...(readerPattern ? { readerName: new RegExp(readerPattern) } : {}),
      onReader: (name) => line(process.stdout, { type: 'reader', name }),
      onTap: (tap) =>
        void report(tap).catch((error: Error) =>
          line(process.stderr, { type: 'error', message: error.message }),
        ),
      onError: (error) => line(process.stderr, { type: 'error', message: error.message }),
    });
  } catch (error) {
    if (!(error instanceof CheckpointAgentError)) throw error;
    line(process.stderr, { type: 'error', code: error.code, message: error.message });
    process.exit(2);
  }
}

const agent = start();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    agent.close();
    // The PC/SC binding keeps a native wait running after close; nothing is pending here.
    process.exit(0);
  });
}
