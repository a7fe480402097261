export * from './errors.js';
export * from './schemas.js';
export * from './dto.js';
export * from './events.js';
export * from './time.js';
export * from './bridge.js';
export * from './auth-schemas.js';
export * from './schedule-schemas.js';
