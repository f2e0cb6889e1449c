/** Small display helpers shared by pages. */

/** The CN of a distinguished name ("CN=GD Trader, O=..." → "GD Trader"). */
export function commonName(dn: string): string {
  return /CN=([^,:]+)/.exec(dn)?.[1]?.trim() ?? dn;
}

/** An officer's Fabric identity id ("x509::CN=officer1,OU=...::CN=ca...") as a readable name. */
export function actorName(id: string): string {
  return id.startsWith('x509::') ? commonName(id.slice(6)) : id;
}

export const shortTx = (txId: string): string =>
  txId.length > 16 ? `${txId.slice(0, 8)}…${txId.slice(-6)}` : txId;

export function readFileBytes(file: File): Promise<Uint8Array> {
  return file.arrayBuffer().then((buffer) => new Uint8Array(buffer));
}
