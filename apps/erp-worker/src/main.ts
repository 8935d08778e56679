import 'reflect-metadata';
import { runMain } from '@junction/platform';
import { erpWorker } from './app.definition';

void runMain(erpWorker);
