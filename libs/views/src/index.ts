export * from './evaluate';
export * from './tariff-changes';
