import Fastify, { type FastifyInstance } from 'fastify';
import { createMemorySessionStore } from '@clearance/testkit/gateway';
import authPlugin from './auth';
import errorsPlugin from './errors';
import homeOrganisationPlugin, { filingOrganisation } from './home-organisation';

/** The routes the plugin guards, as stand-ins that record that they ran. */
async function gatewayOf(organisation: string, takesReadings: boolean) {
  const ran: string[] = [];
  const app: FastifyInstance = Fastify();
  await app.register(errorsPlugin);
  await app.register(authPlugin, { sessions: createMemorySessionStore() });
  await app.register(homeOrganisationPlugin, { organisation, takesReadings });
  const record = (name: string) => async () => {
    ran.push(name);
    return { ok: true };
  };
  app.post('/v1/auth/officer', { config: { public: true } }, record('sign-in'));
  app.post('/v1/declarations', { config: { public: true } }, record('file'));
  app.post(
    '/v1/declarations/:declarationId/amendments',
    { config: { public: true } },
    record('amend'),
  );
  app.post('/v1/seals/readings', { config: { public: true } }, record('readings'));
  app.post('/v1/auth/challenge', { config: { public: true } }, record('challenge'));
  return { app, ran };
}

const filing = (jurisdiction: string) => ({ declaration: { jurisdiction } });

describe('a gateway of one organisation', () => {
  it('files each jurisdiction at its own customs service: GD at gdcustoms, HK at hkcustoms', () => {
    expect(filingOrganisation('GD')).toBe('gdcustoms');
    expect(filingOrganisation('HK')).toBe('hkcustoms');
  });

  it('sends officers of another organisation and traders filing for the other side away, coded, before the route runs', async () => {
    const { app, ran } = await gatewayOf('hkcustoms', false);
    const cases = [
      ['/v1/auth/officer', { organisation: 'gdcustoms', username: 'officer1', password: 'x' }],
      ['/v1/auth/officer', { organisation: 'logistics', username: 'operator1', password: 'x' }],
      ['/v1/declarations', filing('GD')],
      ['/v1/declarations/GD-1/amendments', filing('GD')],
      ['/v1/seals/readings', { readings: [] }],
    ] as const;
    for (const [url, payload] of cases) {
      const res = await app.inject({ method: 'POST', url, payload });
      expect({ url, status: res.statusCode, code: res.json().error?.code }).toEqual({
        url,
        status: 403,
        code: 'WRONG_GATEWAY',
      });
    }
    expect(ran).toEqual([]);
  });

  it('lets its own officers, its own side’s filings and unguarded routes through', async () => {
    const { app, ran } = await gatewayOf('hkcustoms', false);
    for (const [url, payload] of [
      ['/v1/auth/officer', { organisation: 'hkcustoms', username: 'officer1', password: 'x' }],
      ['/v1/declarations', filing('HK')],
      ['/v1/declarations/HK-1/amendments', filing('HK')],
      ['/v1/auth/challenge', {}],
    ] as const) {
      const res = await app.inject({ method: 'POST', url, payload });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
    }
    expect(ran).toEqual(['sign-in', 'file', 'amend', 'challenge']);
  });

  it('takes seal readings only where they are anchored (the operators’ gateway), whose traders file nothing', async () => {
    const { app, ran } = await gatewayOf('logistics', true);
    const readings = await app.inject({
      method: 'POST',
      url: '/v1/seals/readings',
      payload: { readings: [] },
    });
    expect(readings.statusCode).toBe(200);
    for (const jurisdiction of ['GD', 'HK']) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/declarations',
        payload: filing(jurisdiction),
      });
      expect(res.json().error.code).toBe('WRONG_GATEWAY');
    }
    expect(ran).toEqual(['readings']);
  });
});
