/** The OpenAPI 3 document, generated from the routes' own zod schemas (z.toJSONSchema). */
import { z } from 'zod';
import { type AnyRouteSpec, type ErrorStatus, type RouteRegistry, errorStatuses } from './route';
import { ErrorResponse } from './schemas';

const STATUS_TEXT: Record<ErrorStatus, string> = {
  400: '请求无效（例如数值不合规则、请求体不是 JSON、地址含无法解码的字符）',
  401: '未登录，或访问令牌无效、已过期、已撤销',
  403: '无权操作（角色或范围不符、CSRF 校验失败、须先修改一次性密码）',
  404: '评价周期、企业、项目、用户等不存在',
  409: '评价周期当前状态或已有决定不允许这样做',
  413: '请求体或上传的文件过大',
  422: '参数校验失败（details 列出每个字段）',
  429: '请求过于频繁',
  500: '服务器内部错误',
  503: '数据库暂时不可用',
};

/**
 * OpenAPI 3.0 says a nullable enum must list null among its values (zod writes `nullable: true`
 * only): without it a validator refuses a real null, e.g. a firm on no list.
 */
function nullInEnums(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(nullInEnums);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if (o.nullable === true && Array.isArray(o.enum) && !o.enum.includes(null)) o.enum.push(null);
  Object.values(o).forEach(nullInEnums);
}

const schemaOf = (s: z.ZodType, io: 'input' | 'output') => {
  const json = z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  nullInEnums(json);
  return json;
};

const binary = { type: 'string', format: 'binary' };

function parameters(spec: AnyRouteSpec): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
    }
  }
  return out;
}

function securityOf(spec: AnyRouteSpec): unknown[] {
  return spec.access === 'public' ? [{}, { bearer: [] }, { session: [] }] : [{ bearer: [] }, { session: [] }];
}

export function openApiDocument(registry: RouteRegistry): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of registry.routes) {
    const path = `/api/v1${spec.path.replace(/:([A-Za-z_]\w*)/g, '{$1}')}`;
    const produces = spec.produces ?? 'application/json';
    const success = spec.response ? schemaOf(spec.response, 'output') : produces === 'application/json' ? { type: 'object' } : binary;
    const op: Record<string, unknown> = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: spec.tags,
      description: spec.access === 'public' ? '公开（不登录只能访问已发布的评价周期，以及公示中周期的拟定名单）' : `角色：${spec.access.join('、')}`,
      parameters: parameters(spec),
      security: securityOf(spec),
      responses: {
        [String(spec.status ?? 200)]: { description: spec.status === 201 ? '已创建' : '成功', content: { [produces]: { schema: success } } },
        ...(spec.etag ? { '304': { description: '未修改（If-None-Match 与 ETag 相同）' } } : {}),
        ...Object.fromEntries(errorStatuses(spec).map((code) => [String(code), { $ref: `#/components/responses/E${code}` }])),
      },
    };
    if (spec.body && spec.method !== 'get') {
      op.requestBody = spec.upload
        ? {
            required: true,
            content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'CSV（UTF-8 或 GBK）或 XLSX' } } } } },
          }
        : { required: false, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } };
    }
    (paths[path] ??= {})[spec.method] = op;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: '物业服务企业红黑榜评价引擎 API',
      version: '0.1.0',
      description: '错误统一为 {"error":{"code","message","details"}}，message 为中文。',
      license: { name: 'UNLICENSED（住建局内部使用）' },
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: schemaOf(ErrorResponse, 'output') },
      // Only the statuses some route answers (an unused component is a lint warning).
      responses: Object.fromEntries(
        [...new Set(registry.routes.flatMap(errorStatuses))]
          .sort((a, b) => a - b)
          .map((code) => [`E${code}`, { description: STATUS_TEXT[code], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
      ),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'hhb tokens create 生成的访问令牌' },
        session: { type: 'apiKey', in: 'cookie', name: 'hhb_sid', description: '网页登录的会话；写操作须带 X-CSRF-Token' },
      },
    },
  };
}
