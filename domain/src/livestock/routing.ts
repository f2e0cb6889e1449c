/**
 * Where each Livestock transaction lives (docs/endorsement.md, "Food animals"): GD
 * inspection and quarantine's acts in GD's namespace, Hong Kong's Centre for Food Safety's in
 * HK's, each needing only its own side's peers; the seal and the crossing stay joint. Reads
 * go where their records are; a trace-back runs in the caller's home namespace and reads the
 * others (chaincode-to-chaincode).
 */
import type { Jurisdiction } from '../declarations/vocabulary';

export const LIVESTOCK_CONTRACT = 'Livestock';

/** Writes, by the jurisdiction whose namespace holds them. */
export const LIVESTOCK_WRITES: Readonly<Record<string, Jurisdiction>> = {
  'Livestock:RegisterFarm': 'GD',
  'Livestock:SuspendFarm': 'GD',
  'Livestock:ReinstateFarm': 'GD',
  'Livestock:Recall': 'GD',
  'Livestock:RegisterCertifier': 'GD',
  'Livestock:Certify': 'GD',
  'Livestock:LinkSeal': 'GD',
  'Livestock:CheckArrival': 'HK',
  'Livestock:Receive': 'HK',
};

/** Reads of one side's records, by the jurisdiction whose namespace holds them. */
export const LIVESTOCK_READS: Readonly<Record<string, Jurisdiction | 'joint'>> = {
  'Livestock:GetFarm': 'GD',
  'Livestock:GetCertifier': 'GD',
  'Livestock:GetConsignment': 'GD',
  'Livestock:ListFarmConsignments': 'GD',
  'Livestock:GetByEarTag': 'GD',
  'Livestock:GetArrival': 'HK',
  'Livestock:GetReceipt': 'HK',
  'Livestock:GetByCarcass': 'HK',
  'Livestock:SealTrack': 'joint',
};

/** The jurisdiction or joint namespace a Livestock transaction goes to; undefined: anywhere. */
export function livestockHome(transaction: string): Jurisdiction | 'joint' | undefined {
  return LIVESTOCK_WRITES[transaction] ?? LIVESTOCK_READS[transaction];
}
