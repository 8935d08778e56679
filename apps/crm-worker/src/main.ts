import 'reflect-metadata';
import { runMain } from '@junction/platform';
import { crmWorker } from './app.definition';

void runMain(crmWorker);
