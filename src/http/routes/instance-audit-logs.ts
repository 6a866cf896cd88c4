import { AuditLogCollection, AuditLogQuery } from '../../contract/audit.js';
import { InstancePath } from '../../contract/orgs.js';
import { errors, type RoutePlugin } from './shared.js';

export const instanceAuditLogsRoutes: RoutePlugin = async (app, { services }) => {
  app.get(
    '/instances/:instanceId/audit-logs',
    {
      config: { action: 'instanceAuditLogs.get' },
      schema: { params: InstancePath, querystring: AuditLogQuery, response: { 200: AuditLogCollection, ...errors } },
    },
    async (req) => services.audit.list(req.params.instanceId, req.query),
  );
};
