// hooks active (LLM hooks only), MCP zero-code off: server wraps explicitly
import { setup } from './imp-common.mjs';
await setup({ register: { mcp: false } });
