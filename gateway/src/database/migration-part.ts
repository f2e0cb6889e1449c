/** One owner's share of a migration version (each owner's file lists its own; migrations.ts orders them). */
export interface MigrationPart {
  version: number;
  up: string;
  down: string;
}
