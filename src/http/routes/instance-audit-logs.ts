import { AuditLogCollection, AuditLogQuery } from '../../contract/audit.js';
import { operation } from '../operation.js';
import type { RoutePlugin } from './shared.js';

export const instanceAuditLogsRoutes: RoutePlugin = async (app, { services }) => {
  app.route({
    ...operation('instanceAuditLogs.get', { querystring: AuditLogQuery, response: AuditLogCollection }),
    handler: async (req) => services.audit.list(req.params.instanceId, req.query),
  });
};
