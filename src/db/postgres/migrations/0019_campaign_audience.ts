/**
 * Frozen once shipped. A campaign's audience (issue #21 item 4): the contact filter it targets,
 * usually `segment:NAME`, kept as the filter text so a segment edited later moves the audience
 * with it. The PostgreSQL twin is the same text.
 */
export const version = 19;
export const name = 'campaign audience';
export const sql = `
ALTER TABLE campaigns ADD COLUMN audience text;
`;
