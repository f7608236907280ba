import { runMain } from '../main.js'

// runMain reports every failure itself.
void runMain()
