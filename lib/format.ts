// Sizes for people, in the one wording every message uses.

export const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
