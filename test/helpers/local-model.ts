export * from '../../cli/node-host.js';
