#!/usr/bin/env node
// The CLI runs from TypeScript sources (Node >= 22.18 strips types natively).
import '../src/cli/main.ts';
