import 'reflect-metadata';
import { runMain } from '@junction/platform';
import { linkedinWorker } from './app.definition';

void runMain(linkedinWorker);
