// hooks active, McpInstrumentation constructed (its Hook()s: SDK modules wrapped) then disabled
import { setup } from './imp-common.mjs';
const { McpInstrumentation } = await import('@mcpmeter/instrumentation-mcp');
const inst = new McpInstrumentation();
await setup({ register: { mcp: false, instrumentations: [inst] } }, () => inst.disable());
