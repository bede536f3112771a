import { HeaderMap } from '@apollo/server';
import { acceptsEventStream, acceptsIncremental, APPLICATION_JSON, EVENT_STREAM, GRAPHQL_RESPONSE_JSON, httpPreconditions, replyContentType } from '../src/gate/http-preconditions';

const request = (method: string, headers: Record<string, string>) => ({ method, headers: new HeaderMap(Object.entries(headers)), search: '', body: undefined });
const PREFLIGHT = ['apollo-require-preflight'];

describe('what a request must be before any GraphQL is looked at', () => {
  test.each([
    ['no accept header', undefined, APPLICATION_JSON],
    ['anything', '*/*', APPLICATION_JSON],
    ['plain JSON', 'application/json', APPLICATION_JSON],
    ['the GraphQL response type first', 'application/graphql-response+json, application/json;q=0.9', GRAPHQL_RESPONSE_JSON],
    ['plain JSON preferred', 'application/graphql-response+json;q=0.5, application/json', APPLICATION_JSON],
    ['a browser', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', APPLICATION_JSON],
    ['only CSV', 'text/csv', undefined],
    ['JSON refused outright', 'application/json;q=0, text/plain', undefined],
  ])('reply content type for %s', (_, accept, expected) => {
    expect(replyContentType(accept)).toBe(expected);
  });

  test('a POST of JSON passes, and says what to reply in', () => {
    expect(httpPreconditions(request('POST', { 'content-type': 'application/json' }), PREFLIGHT)).toEqual({ contentType: APPLICATION_JSON, incremental: false, eventStream: false });
  });

  test.each([
    ['PUT', { 'content-type': 'application/json' }, 405],
    ['GET', {}, 400],
    ['POST', { 'content-type': 'text/plain' }, 400],
    ['POST', {}, 400],
    ['GET', { 'apollo-require-preflight': 'true', 'content-type': 'text/csv' }, 415],
    ['POST', { 'content-type': 'application/json', accept: 'text/csv' }, 406],
  ])('%s with %j is refused with %i', (method, headers, status) => {
    expect(httpPreconditions(request(method, headers), PREFLIGHT)).toMatchObject({ rejected: true, status, code: 'BAD_REQUEST' });
  });

  test('a GET with a preflight header passes; so does a form content type with one', () => {
    expect(httpPreconditions(request('GET', { 'apollo-require-preflight': 'true' }), PREFLIGHT)).toEqual({ contentType: APPLICATION_JSON, incremental: false, eventStream: false });
    expect(httpPreconditions(request('POST', { 'content-type': 'text/plain', 'apollo-require-preflight': 'true' }), PREFLIGHT)).toEqual({ contentType: APPLICATION_JSON, incremental: false, eventStream: false });
  });

  test.each([
    ['Apollo Client with @defer', 'multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9', true],
    ['multipart without a spec', 'multipart/mixed, application/json', true],
    ['another defer spec', 'multipart/mixed;deferSpec=20990101, application/json', false],
    ['multipart refused', 'multipart/mixed;q=0, application/json', false],
    ['JSON only', 'application/json', false],
    ['no accept header', undefined, false],
  ])('reads replies in parts: %s', (_, accept, expected) => {
    expect(acceptsIncremental(accept)).toBe(expected);
  });

  test.each([
    ['the graphql-sse client', 'text/event-stream', true],
    ['SSE beside JSON', 'application/json, text/event-stream;q=0.5', true],
    ['SSE refused', 'text/event-stream;q=0, application/json', false],
    ['JSON only', 'application/json', false],
    ['no accept header', undefined, false],
  ])('reads GraphQL over SSE: %s', (_, accept, expected) => {
    expect(acceptsEventStream(accept)).toBe(expected);
  });

  test('a caller that accepts only an event stream passes (a JSON-only refusal would be 406)', () => {
    expect(httpPreconditions(request('POST', { 'content-type': 'application/json', accept: 'text/event-stream' }), PREFLIGHT)).toEqual({ contentType: EVENT_STREAM, incremental: false, eventStream: true });
    expect(httpPreconditions(request('POST', { 'content-type': 'application/json', accept: 'text/html' }), PREFLIGHT)).toMatchObject({ rejected: true, status: 406 });
  });
});
