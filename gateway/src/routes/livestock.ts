/**
 * Food animals supplied to Hong Kong over HTTP (domain/livestock, the Livestock contract):
 * GD inspection registers farms, certifies consignments with the vet's signed certificate,
 * links the truck's seal and recalls; Hong Kong's food safety officers record the arrival
 * check at Man Kam To and the slaughterhouse receipt; anyone signed in as an officer traces
 * an ear tag or a carcass back. Who may do what is the ledger's allow table (`livestock`),
 * checked here first so a refusal costs no endorsement, and again by the chaincode.
 *
 * Writes go through durable operations under the officer's own identity (the Idempotency-Key
 * names the operation: a retry answers with the same result); without an operations queue
 * (unit tests), synchronously.
 */
import type { LivestockContract } from '@clearance/chaincode';
import {
  ArrivalInputSchema,
  ArrivalRecordSchema,
  ConsignmentRecordSchema,
  FarmInputSchema,
  FarmPrivateSchema,
  FarmRecordSchema,
  HealthCertificateSchema,
  ID_PATTERN,
  LIVESTOCK_CONTRACT,
  ReceiptFindingsSchema,
  type ReceiptInput,
  ReceiptRecordSchema,
  TRACE_KINDS,
  TraceBackSchema,
  isLivestockAllowed,
  type LivestockAction,
} from '@clearance/domain';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors';
import { errorResponses } from '../http/schemas';
import type { Ledger } from '../ports/ledger';
import type { Invocation } from '../ports/contract';
import { commitAct, type Operations } from '../operations/submit';
import { requireOfficer } from '../plugins/auth';

type LivestockTransaction = Exclude<
  {
    [K in keyof LivestockContract]: LivestockContract[K] extends (
      ...args: never[]
    ) => Promise<string>
      ? K
      : never;
  }[keyof LivestockContract] &
    string,
  'beforeTransaction' | 'afterTransaction' | 'unknownTransaction' | 'createContext'
>;
/** A Livestock transaction's full name, checked against the contract class. */
const tx = (method: LivestockTransaction) => `${LIVESTOCK_CONTRACT}:${method}`;

const Id = z.string().regex(ID_PATTERN);
const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, "_" or "-" (a UUID will do)')
    .optional()
    .meta({ description: 'Required: the same key again answers with the same result' }),
});

const FarmRegistration = z
  .object({ farm: FarmInputSchema, details: FarmPrivateSchema })
  .strict()
  .meta({ id: 'FarmRegistration' });
const Certification = z
  .object({
    certificate: HealthCertificateSchema,
    /** Detached CMS (base64) over the certificate's canonical JSON (RFC 8785). */
    signature: z
      .string()
      .min(16)
      .max(64 * 1024)
      .regex(/^[A-Za-z0-9+/]+=*$/),
  })
  .strict()
  .meta({ id: 'Certification' });
const Reason = z.object({ reason: z.string().trim().min(1).max(512) }).strict();
const Answer = <S extends z.ZodType>(schema: S) =>
  z.object({ record: schema, transactionId: z.string() });

const livestockRoutes: FastifyPluginAsync<{
  ledgers?: ((accountId: string) => Promise<Ledger>) | undefined;
  operations?: Operations | undefined;
}> = async (instance, { ledgers, operations }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  /** The officer, if the allow table lets them do `action`. */
  function allowed(request: FastifyRequest, action: LivestockAction) {
    const officer = requireOfficer(request);
    if (!isLivestockAllowed(action, officer))
      throw new ApiError('FORBIDDEN', `${officer.mspId} ${officer.role} may not ${action}`);
    return officer;
  }

  /** Runs the act under the officer's identity: an operation where there is a queue. */
  async function act<S extends z.ZodType>(
    request: FastifyRequest,
    reply: FastifyReply,
    action: LivestockAction,
    invocation: Invocation,
    schema: S,
  ): Promise<{ record: z.infer<S>; transactionId: string }> {
    const officer = allowed(request, action);
    if (operations && ledgers) {
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string') throw new ApiError('IDEMPOTENCY_KEY_REQUIRED');
      const done = await commitAct(operations, request, reply, {
        kind: `LIVESTOCK_${action}`,
        accountId: officer.id,
        ...invocation,
        idempotencyKey: key,
        resultSchema: schema,
      });
      return { record: done.result, transactionId: done.transactionId };
    }
    const ledger = ledgers ? await ledgers(officer.id) : app.ledger;
    const committed = await ledger.submit(
      invocation.transaction,
      invocation.args,
      invocation.transient,
    );
    return {
      record: schema.parse(JSON.parse(committed.result)),
      transactionId: committed.transactionId,
    };
  }

  const read = async <S extends z.ZodType>(schema: S, transaction: string, args: string[]) =>
    schema.parse(JSON.parse(await app.ledger.evaluate(transaction, args)));

  app.post(
    '/v1/livestock/farms',
    {
      schema: {
        tags: ['livestock'],
        summary: 'Register a farm supplying food animals to Hong Kong (GD inspection)',
        headers: IdempotencyHeaders,
        body: FarmRegistration,
        response: { 201: Answer(FarmRecordSchema), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { farm, details } = request.body;
      const done = await act(
        request,
        reply,
        'REGISTER_FARM',
        {
          transaction: tx('RegisterFarm'),
          args: [JSON.stringify(farm)],
          transient: { farm: JSON.stringify(details) },
        },
        FarmRecordSchema,
      );
      return reply.status(201).send(done);
    },
  );

  app.get(
    '/v1/livestock/farms/:farmId',
    {
      schema: {
        tags: ['livestock'],
        summary: "A farm's registration and status, with its consignments",
        params: z.object({ farmId: Id }),
        response: {
          200: z.object({ farm: FarmRecordSchema, consignments: z.array(ConsignmentRecordSchema) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      requireOfficer(request);
      const { farmId } = request.params;
      return {
        farm: await read(FarmRecordSchema, tx('GetFarm'), [farmId]),
        consignments: await read(z.array(ConsignmentRecordSchema), tx('ListFarmConsignments'), [
          farmId,
        ]),
      };
    },
  );

  for (const [suffix, action, method] of [
    ['suspend', 'SUSPEND_FARM', 'SuspendFarm'],
    ['reinstate', 'REINSTATE_FARM', 'ReinstateFarm'],
    ['recall', 'RECALL', 'Recall'],
  ] as const) {
    app.post(
      `/v1/livestock/farms/:farmId/${suffix}`,
      {
        schema: {
          tags: ['livestock'],
          summary:
            action === 'RECALL'
              ? 'Recall: suspend the farm and hold its consignments in transit with their declarations'
              : `${suffix[0]?.toUpperCase()}${suffix.slice(1)} a farm`,
          headers: IdempotencyHeaders,
          params: z.object({ farmId: Id }),
          body: Reason,
          response: { 200: Answer(FarmRecordSchema), ...errorResponses },
        },
      },
      async (request, reply) =>
        act(
          request,
          reply,
          action,
          {
            transaction: tx(method),
            args: [request.params.farmId, request.body.reason],
            transient: {},
          },
          FarmRecordSchema,
        ),
    );
  }

  app.post(
    '/v1/livestock/consignments',
    {
      schema: {
        tags: ['livestock'],
        summary: "A consignment with its health certificate, signed by the farm's vet",
        headers: IdempotencyHeaders,
        body: Certification,
        response: { 201: Answer(ConsignmentRecordSchema), ...errorResponses },
      },
    },
    async (request, reply) => {
      const done = await act(
        request,
        reply,
        'CERTIFY',
        {
          transaction: tx('Certify'),
          args: [JSON.stringify(request.body.certificate), request.body.signature],
          transient: {},
        },
        ConsignmentRecordSchema,
      );
      return reply.status(201).send(done);
    },
  );

  app.get(
    '/v1/livestock/consignments/:consignmentId',
    {
      schema: {
        tags: ['livestock'],
        summary: 'A consignment with its certificate, as GD recorded it',
        params: z.object({ consignmentId: Id }),
        response: { 200: ConsignmentRecordSchema, ...errorResponses },
      },
    },
    async (request) => {
      requireOfficer(request);
      return read(ConsignmentRecordSchema, tx('GetConsignment'), [request.params.consignmentId]);
    },
  );

  app.post(
    '/v1/livestock/consignments/:consignmentId/seal',
    {
      schema: {
        tags: ['livestock'],
        summary: "Bind the truck's e-lock seal (applied over the consignment's declaration)",
        headers: IdempotencyHeaders,
        params: z.object({ consignmentId: Id }),
        body: z.object({ sealId: Id }).strict(),
        response: { 200: Answer(ConsignmentRecordSchema), ...errorResponses },
      },
    },
    async (request, reply) =>
      act(
        request,
        reply,
        'LINK_SEAL',
        {
          transaction: tx('LinkSeal'),
          args: [request.params.consignmentId, request.body.sealId],
          transient: {},
        },
        ConsignmentRecordSchema,
      ),
  );

  app.post(
    '/v1/livestock/consignments/:consignmentId/arrival',
    {
      schema: {
        tags: ['livestock'],
        summary:
          'The arrival check at Man Kam To: certificate, ear tags, seal (ACCEPTED or FLAGGED)',
        headers: IdempotencyHeaders,
        params: z.object({ consignmentId: Id }),
        body: ArrivalInputSchema.omit({ consignmentId: true }),
        response: { 201: Answer(ArrivalRecordSchema), ...errorResponses },
      },
    },
    async (request, reply) => {
      const input = { ...request.body, consignmentId: request.params.consignmentId };
      const done = await act(
        request,
        reply,
        'CHECK_ARRIVAL',
        { transaction: tx('CheckArrival'), args: [JSON.stringify(input)], transient: {} },
        ArrivalRecordSchema,
      );
      return reply.status(201).send(done);
    },
  );

  app.post(
    '/v1/livestock/consignments/:consignmentId/receipt',
    {
      schema: {
        tags: ['livestock'],
        summary: 'Receipt at the slaughterhouse with ante- and post-mortem findings',
        headers: IdempotencyHeaders,
        params: z.object({ consignmentId: Id }),
        body: ReceiptFindingsSchema,
        response: { 201: Answer(ReceiptRecordSchema), ...errorResponses },
      },
    },
    async (request, reply) => {
      const input: ReceiptInput = {
        ...request.body,
        consignmentId: request.params.consignmentId,
      };
      const done = await act(
        request,
        reply,
        'RECEIVE',
        { transaction: tx('Receive'), args: [JSON.stringify(input)], transient: {} },
        ReceiptRecordSchema,
      );
      return reply.status(201).send(done);
    },
  );

  app.get(
    '/v1/livestock/trace',
    {
      schema: {
        tags: ['livestock'],
        summary:
          'Trace-back in one query: ear tag or carcass → farm, certificate, truck, seal track, crossing, arrival, receipt',
        querystring: z
          .object({
            kind: z.enum(TRACE_KINDS),
            id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
          })
          .strict(),
        response: { 200: TraceBackSchema, ...errorResponses },
      },
    },
    async (request) => {
      requireOfficer(request);
      return read(TraceBackSchema, tx('TraceBack'), [request.query.kind, request.query.id]);
    },
  );
};

export default livestockRoutes;
