import { decisionKey, parseDirection, requestDecision } from './decide';

describe('--decide: the boundary decision right after a tap', () => {
  it('posts the seal, control point and direction to /v1/crossings with a key fixed by the tap', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fakeFetch = (async (url: URL, init: RequestInit) => {
      calls.push({ url: url.toString(), init });
      return new Response(JSON.stringify({ crossing: { decision: 'GO' } }), { status: 201 });
    }) as unknown as typeof fetch;
    const options = {
      checksUrl: 'http://127.0.0.1:8080/v1/seals/checks',
      token: 'tok',
      controlPoint: 'LMC',
      direction: parseDirection('northbound'),
    };
    const answer = await requestDecision(fakeFetch, options, { sealId: 'SEAL-1', counter: 7 });
    await requestDecision(fakeFetch, options, { sealId: 'SEAL-1', counter: 7 });
    await requestDecision(fakeFetch, options, { sealId: 'SEAL-1', counter: 8 });
    expect(answer).toEqual({ status: 201, body: { crossing: { decision: 'GO' } } });
    expect(calls[0]?.url).toBe('http://127.0.0.1:8080/v1/crossings');
    expect(JSON.parse(calls[0]?.init.body as string)).toEqual({
      sealId: 'SEAL-1',
      controlPoint: 'LMC',
      direction: 'NORTHBOUND',
    });
    const keys = calls.map((c) => (c.init.headers as Record<string, string>)['idempotency-key']);
    expect(keys[0]).toBe(decisionKey('SEAL-1', 7));
    expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });

  it('refuses a missing or unknown direction', () => {
    expect(() => parseDirection(undefined)).toThrow(/NORTHBOUND or SOUTHBOUND/);
    expect(() => parseDirection('EAST')).toThrow(/direction/);
  });
});
