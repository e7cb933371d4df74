import { DEEPCSV_SCHEMA } from '../../../shared/schema/deepcsv.ts';
import type { FeatureSchema } from '../../../shared/schema/types.ts';
import { uciSchema } from './uci.ts';

export const SCHEMA_NAMES = ['deepcsv', 'uci'] as const;

export function getSchema(name: string): FeatureSchema {
  switch (name) {
    case 'deepcsv':
      return DEEPCSV_SCHEMA;
    case 'uci':
      return uciSchema();
    default:
      throw new Error(`Unknown feature schema "${name}"; known schemas: ${SCHEMA_NAMES.join(', ')}.`);
  }
}

export * from '../../../shared/schema/types.ts';
export * from '../../../shared/schema/deepcsv.ts';
