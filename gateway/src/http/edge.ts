/**
 * The HTTP edge of the API: what is checked or answered before or around any route —
 * request ids, the text rule on every validated request part, the error statuses every
 * route's OpenAPI entry lists, and errors of the HTTP parser in the API's error shape.
 */
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from '@clearance/domain';
import type { RouteOptions } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Duplex } from 'node:stream';
import { API_ERRORS, ApiError, errorBody, type ApiErrorCode } from '../errors';
import { routeNeedsPrincipal } from '../plugins/auth';
import { ErrorBody } from './schemas';

/** A caller's X-Request-Id is kept only when it is a short token of these characters. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function givenRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : undefined;
}

/**
 * Every validated part of a request (body, query, params, headers) keeps the domain's text
 * rule before its own schema runs: 400 VALIDATION_FAILED naming where it broke.
 */
export const storableTextFirst: typeof validatorCompiler = (route) => {
  const validate = validatorCompiler(route);
  return (data) => {
    const bad = findUnstorableText(data, route.httpPart ?? '$');
    if (bad)
      return { error: new ApiError('VALIDATION_FAILED', `${bad} ${UNSTORABLE_TEXT_MESSAGE}`) };
    return validate(data);
  };
};

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every status a route can answer in its OpenAPI entry (the global handlers answer them
 * whatever the route says): 400 and 429 anywhere; 401 and 403 where a principal is needed;
 * 404 with path parameters; 413 and 415 where a body can be sent.
 */
export function documentErrorResponses(route: RouteOptions): void {
  const schema = route.schema;
  if (!schema || schema.hide) return;
  const methods = [route.method].flat();
  const statuses = [
    400,
    429,
    ...(routeNeedsPrincipal(route) ? [401, 403] : []),
    ...(route.url.includes(':') ? [404] : []),
    ...(methods.some((m) => BODY_METHODS.has(m)) ? [413, 415] : []),
  ];
  const response = { ...(schema.response as Record<number, unknown> | undefined) };
  for (const status of statuses) response[status] ??= ErrorBody;
  schema.response = response;
}

/** JSON nested deeper than this is refused before it is parsed (no request needs more). */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests arrays and objects no deeper than `max`: one pass over the text,
 * skipping strings, so neither the parser nor any recursive walk of the result (the text
 * rule, the schemas) can be made to exhaust the stack.
 */
export function jsonDepthWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

/** What the HTTP parser refused, answered on the raw socket in the API's error shape. */
const REASON_PHRASES: Partial<Record<ApiErrorCode, string>> = {
  HEADERS_TOO_LARGE: 'Request Header Fields Too Large',
  REQUEST_TIMEOUT: 'Request Timeout',
};

export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const code: ApiErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'VALIDATION_FAILED';
  const body = JSON.stringify(errorBody(code));
  socket.end(
    `HTTP/1.1 ${API_ERRORS[code].status} ${REASON_PHRASES[code] ?? 'Bad Request'}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
