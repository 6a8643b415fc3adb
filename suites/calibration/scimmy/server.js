// Calibration target: a minimal SCIM 2.0 service provider on SCIMMY and
// SCIMMY Routers, written the way a vendor would from those packages' READMEs
// ("Installation and Usage", "API") and the SCIMMY documentation of
// SCIMMY.Resources ("Declaring Resource Types", "Extending Resource Types") and
// of the ingress/egress/degress handler callbacks. It is not tuned to any
// conformance suite: what the libraries do not do, this server does not do.
//
// Environment: TOKEN (required) is the Bearer token every request must carry;
// PORT (default 0 = any free port). Listens on 127.0.0.1 only. Once listening
// it prints one line to stdout: {"tenantUrl":"http://127.0.0.1:PORT/scim/v2"}.

import {randomUUID, timingSafeEqual} from "node:crypto";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const token = process.env.TOKEN;
if (!token) {
    console.error("TOKEN must be set");
    process.exit(2);
}
const port = Number.parseInt(process.env.PORT ?? "0", 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
}

/**
 * In-memory handlers for one resource type, shaped like the ingress/egress/degress
 * examples in the SCIMMY documentation.
 * @param {String} uniqueAttribute - attribute that must be unique (compared case-insensitively), if any
 */
function memoryHandlers(uniqueAttribute) {
    const items = new Map();
    const clone = (value) => JSON.parse(JSON.stringify(value));
    const notFound = (id) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);
    const isTaken = (id, instance) => {
        const value = uniqueAttribute && instance[uniqueAttribute];
        if (typeof value !== "string") return false;
        for (const [otherId, other] of items) {
            if (otherId !== id && String(other[uniqueAttribute]).toLowerCase() === value.toLowerCase()) return true;
        }
        return false;
    };

    return {
        // Create (no resource.id) or replace (resource.id set) a resource.
        ingress: (resource, instance) => {
            const now = new Date().toISOString();
            const id = resource.id ?? randomUUID();
            const existing = items.get(id);
            if (resource.id && !existing) throw notFound(resource.id);
            if (isTaken(id, instance))
                throw new SCIMMY.Types.Error(409, "uniqueness", `${uniqueAttribute} is already in use`);

            const stored = {
                ...clone(instance),
                id,
                meta: {created: existing?.meta.created ?? now, lastModified: now},
            };
            items.set(id, stored);
            return clone(stored);
        },
        // Read one resource (resource.id set) or the list matching resource.filter.
        egress: (resource) => {
            if (resource.id) {
                const found = items.get(resource.id);
                if (!found) throw notFound(resource.id);
                return clone(found);
            }
            const all = [...items.values()].map(clone);
            return resource.filter ? resource.filter.match(all) : all;
        },
        // Delete one resource.
        degress: (resource) => {
            if (!items.delete(resource.id)) throw notFound(resource.id);
        },
    };
}

SCIMMY.Resources.declare(SCIMMY.Resources.User, {
    ...memoryHandlers("userName"),
    extensions: [{schema: SCIMMY.Schemas.EnterpriseUser, required: false}],
});
SCIMMY.Resources.declare(SCIMMY.Resources.Group, memoryHandlers());

const expected = Buffer.from(token);
const app = express();
app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    docUri: "https://example.com/help/oauth.html",
    handler: (request) => {
        const header = request.header("Authorization") ?? "";
        const presented = Buffer.from(header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "");
        if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
            throw new Error("Authorization failed: missing or invalid bearer token");
        return "calibration-client";
    },
}));

const server = app.listen(port, "127.0.0.1", () => {
    const {port: bound} = server.address();
    process.stdout.write(JSON.stringify({tenantUrl: `http://127.0.0.1:${bound}/scim/v2`}) + "\n");
});
server.on("error", (error) => {
    console.error(`listen failed: ${error.message}`);
    process.exit(1);
});
