import 'reflect-metadata';
import { runMain } from '@junction/platform';
import { mcpGateway } from './app.definition';

void runMain(mcpGateway);
