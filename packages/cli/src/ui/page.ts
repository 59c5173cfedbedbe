export const PAGE_HTML = '<!doctype html><title>mcpmeter</title><p>page</p>';
