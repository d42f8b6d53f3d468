// The floor as a whole one-shot process: start Node, do one floor cycle, exit.
import { floorCycle, socketOf } from './floor.js';

process.stdout.write(`${await floorCycle(socketOf())}\n`);
