/** The boundary crossing: the decision at a control point and its record. */
export * from './crossing';
export * from './crossing-record';
