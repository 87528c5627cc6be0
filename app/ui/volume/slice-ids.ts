// Shared by the server-rendered slice browser and the client slider that drives its radio buttons.
export const SLICE_ID_PREFIX = 'volume-slice-';
