export * from './changes';
export * from './codes';
export * from './event-names';
export * from './file-display';
export * from './files';
export * from './limits';
export * from './schemas';
export type * from './socket-events';
export * from './workspace';
