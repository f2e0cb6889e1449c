/** Chaincode event names: the one place they are spelled. */
export const EVENTS = {
  SelfCheckRecorded: 'SelfCheckRecorded',
  DeclarationFiled: 'DeclarationFiled',
  DeclarationAmended: 'DeclarationAmended',
  DeclarationAccepted: 'DeclarationAccepted',
  DeclarationRejected: 'DeclarationRejected',
  RiskAssessed: 'RiskAssessed',
  ReleaseEligible: 'ReleaseEligible',
  InspectionOrdered: 'InspectionOrdered',
  InspectionRecorded: 'InspectionRecorded',
  DeclarationReleased: 'DeclarationReleased',
  DeclarationClosed: 'DeclarationClosed',
  DeclarationHeld: 'DeclarationHeld',
  DeclarationUnheld: 'DeclarationUnheld',
  TrustListChanged: 'TrustListChanged',
  DeviceRegistered: 'DeviceRegistered',
  DeviceAccredited: 'DeviceAccredited',
  SealApplied: 'SealApplied',
  SealAlarmRaised: 'SealAlarmRaised',
  ReadingsAnchored: 'ReadingsAnchored',
  CheckpointVerified: 'CheckpointVerified',
  SealRemoved: 'SealRemoved',
  CrossingDecided: 'CrossingDecided',
  CrossingInspectionRecorded: 'CrossingInspectionRecorded',
} as const;

export type EventName = (typeof EVENTS)[keyof typeof EVENTS];
