/** Chaincode event names: the one place they are spelled. */
export const EVENTS = {
  SelfCheckRecorded: 'SelfCheckRecorded',
} as const;

export type EventName = (typeof EVENTS)[keyof typeof EVENTS];
