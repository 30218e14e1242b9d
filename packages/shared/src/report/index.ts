/** The monthly progress entry generator and its templates (pure, browser-safe). */
export * from './monthlyEntry';
export * from './template';
export * from './progress';
export * from './quarterTable';
export * from './projectPage';
