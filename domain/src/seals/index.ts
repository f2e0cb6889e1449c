/**
 * Seals and their devices as the ledger records them. The devices' own side (readings,
 * routes, tags) is `@clearance/domain/seal-devices`: its control points and routes are
 * the map's, not the allow table's of the same names (crossings/).
 */
export * from './seal';
