import 'reflect-metadata';
import { runMain } from '@junction/platform';
import { webhookIngress } from './app.definition';

void runMain(webhookIngress);
