export * from './clock.js';
export * from './hours.js';
export * from './policy.js';
export * from './targets.js';
export * from './time-basis.js';
