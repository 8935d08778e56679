export const COMMANDS_API_KEY = Symbol('COMMANDS_API_KEY');
export const COMMANDS_TENANT = Symbol('COMMANDS_TENANT');
