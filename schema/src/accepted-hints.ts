/**
 * Composition hints we have looked at and decided to live with, each with the reason.
 * The composition test fails on any hint not listed here, so a new hint is a decision,
 * not noise. Match is by hint code plus a substring of its message.
 */
export interface AcceptedHint {
  code: string;
  messageIncludes: string;
  reason: string;
}

export const ACCEPTED_HINTS: readonly AcceptedHint[] = [
  {
    code: 'UNUSED_ENUM_TYPE',
    messageIncludes: 'Enum type "CacheControlScope" is defined but unused',
    reason:
      'Each subgraph declares @cacheControl and its CacheControlScope enum for Apollo Server cache hints; ' +
      'the enum is only a directive argument type. Client contracts hide it as unreachable.',
  },
];
