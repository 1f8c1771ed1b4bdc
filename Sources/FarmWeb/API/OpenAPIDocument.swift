/// The OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json. Docs/api/openapi.json is
/// the same text (a test compares them); edit the doc, then run Farm/web/openapi_to_swift.py.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "SceneFarm coordinator API",
    "version": "1",
    "description": "Read the farm's state and act on it. Reads answer from the snapshot the coordinator's event loop publishes (at most 0.5 s old); actions are queued to the loop and answered exactly as the same ZeroMQ client requests (Docs/protocol.md §9). Actions always need `Authorization: Bearer TOKEN`; reads need it only when the server listens on a non-loopback address. See Docs/operations.md, 'The dashboard and HTTP API'."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "paths": {
    "/api/v1/openapi.json": {
      "get": {
        "summary": "This document.",
        "operationId": "openapi",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The OpenAPI document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/farm": {
      "get": {
        "summary": "Counters, jobs by state and nodes by state.",
        "operationId": "farm",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Farm"
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/jobs": {
      "get": {
        "summary": "Active jobs and the most recent 200 finished ones, newest first.",
        "operationId": "listJobs",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "jobs"
                  ],
                  "properties": {
                    "jobs": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/JobSummary"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "400": {
            "description": "Unknown state.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "required": false,
            "schema": {
              "$ref": "#/components/schemas/JobState"
            },
            "description": "Only jobs in this state."
          }
        ]
      }
    },
    "/api/v1/jobs/{job}": {
      "get": {
        "summary": "One job with its task graph, attempts and published files.",
        "operationId": "getJob",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JobDetail"
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "No such job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "job",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Job id (`j20261126-120000-1a2b3c`)."
          }
        ]
      }
    },
    "/api/v1/jobs/{job}/tasks": {
      "get": {
        "summary": "The job's tasks in graph order with every attempt.",
        "operationId": "getJobTasks",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "tasks"
                  ],
                  "properties": {
                    "tasks": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Task"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "No such job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "job",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Job id (`j20261126-120000-1a2b3c`)."
          }
        ]
      }
    },
    "/api/v1/jobs/{job}/report": {
      "get": {
        "summary": "The published job report (the version's `.report.json`).",
        "operationId": "getJobReport",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "No such job, or nothing published yet.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "job",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Job id (`j20261126-120000-1a2b3c`)."
          }
        ]
      }
    },
    "/api/v1/jobs/{job}/files/{name}": {
      "get": {
        "summary": "A proxy or the contact sheet of the published version.",
        "operationId": "getJobFile",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The image.",
            "content": {
              "image/png": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              },
              "image/jpeg": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "No such job or image.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "job",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Job id (`j20261126-120000-1a2b3c`)."
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "File name from `thumbnails` or `contactSheet`."
          }
        ]
      }
    },
    "/api/v1/nodes": {
      "get": {
        "summary": "Connected nodes, and drained nodes that are not connected.",
        "operationId": "listNodes",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "nodes"
                  ],
                  "properties": {
                    "nodes": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Node"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/versions": {
      "get": {
        "summary": "Published versions of the jobs in the snapshot.",
        "operationId": "listVersions",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "versions"
                  ],
                  "properties": {
                    "versions": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Version"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/events": {
      "get": {
        "summary": "Server-Sent Events: an `update` event whenever the snapshot changes (data: JSON with `version`, `jobs`, `nodes`, `takenAt`), a comment every 15 s; the stream ends after 10 minutes.",
        "operationId": "events",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "An event stream.",
            "content": {
              "text/event-stream": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/jobs/{job}/cancel": {
      "post": {
        "summary": "Cancel a queued or running job (CANCEL_JOB).",
        "operationId": "cancelJob",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "parameters": [
          {
            "name": "job",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Job id (`j20261126-120000-1a2b3c`)."
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ActionResult"
                }
              }
            }
          },
          "400": {
            "description": "A malformed request.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "No valid bearer token.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "The request came from another origin.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "No such job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "The job has already finished.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The coordinator could not do it now (busy, or it failed).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/jobs/{job}/retry": {
      "post": {
        "summary": "Submit a failed or cancelled job's spec again as a new job and the next plate version (SUBMIT).",
        "operationId": "retryJob",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "parameters": [
          {
            "name": "job",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Job id (`j20261126-120000-1a2b3c`)."
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ActionResult"
                }
              }
            }
          },
          "400": {
            "description": "A malformed request.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "No valid bearer token.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "The request came from another origin.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "No such job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "The job is not failed or cancelled.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The coordinator could not do it now (busy, or it failed).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/jobs/{job}/priority": {
      "post": {
        "summary": "Change a queued or running job's dispatch priority (SET_PRIORITY): ready tasks of higher-priority jobs go first, equal priorities in submission order.",
        "operationId": "setJobPriority",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "parameters": [
          {
            "name": "job",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Job id (`j20261126-120000-1a2b3c`)."
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ActionResult"
                }
              }
            }
          },
          "400": {
            "description": "The body is not {\"priority\": N} with an integer N in -1000…1000.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "No valid bearer token.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "The request came from another origin.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "No such job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "The job has already finished.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The coordinator could not do it now (busy, or it failed).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PriorityRequest"
              }
            }
          }
        }
      }
    },
    "/api/v1/nodes/{node}/drain": {
      "post": {
        "summary": "Give a node no new tasks; it finishes what it runs (DRAIN_NODE). Kept across restarts.",
        "operationId": "drainNode",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "parameters": [
          {
            "name": "node",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Node name."
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ActionResult"
                }
              }
            }
          },
          "400": {
            "description": "The node name is not a valid name.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "No valid bearer token.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "The request came from another origin.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "No such job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "Refused by the coordinator.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The coordinator could not do it now (busy, or it failed).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/nodes/{node}/resume": {
      "post": {
        "summary": "Undo a drain (RESUME_NODE).",
        "operationId": "resumeNode",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "parameters": [
          {
            "name": "node",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Node name."
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ActionResult"
                }
              }
            }
          },
          "400": {
            "description": "The node name is not a valid name.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "No valid bearer token.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "The request came from another origin.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "No such job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "Refused by the coordinator.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The coordinator could not do it now (busy, or it failed).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus metrics (text exposition format 0.0.4).",
        "operationId": "metrics",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Metrics.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "description": "Reads need a bearer token on a non-loopback bind.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "A line of `--http-token-file`, or of `http-token` in the coordinator's `--state` folder."
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "code",
          "message"
        ],
        "properties": {
          "code": {
            "type": "string",
            "enum": [
              "bad_request",
              "unauthorized",
              "cross_origin",
              "not_found",
              "conflict",
              "failure",
              "busy"
            ]
          },
          "message": {
            "type": "string"
          }
        }
      },
      "JobState": {
        "type": "string",
        "enum": [
          "queued",
          "running",
          "done",
          "failed",
          "cancelled"
        ]
      },
      "TaskState": {
        "type": "string",
        "enum": [
          "waiting",
          "ready",
          "leased",
          "done",
          "failed",
          "cancelled"
        ]
      },
      "TaskKind": {
        "type": "string",
        "enum": [
          "lighting",
          "generate",
          "blend",
          "publish"
        ]
      },
      "Farm": {
        "type": "object",
        "required": [
          "version",
          "takenAt",
          "storageRoot",
          "jobs",
          "nodes",
          "counters"
        ],
        "properties": {
          "version": {
            "type": "integer",
            "description": "Grows when the snapshot's content changes."
          },
          "takenAt": {
            "type": "string",
            "format": "date-time"
          },
          "storageRoot": {
            "type": "string"
          },
          "jobs": {
            "type": "object",
            "additionalProperties": {
              "type": "integer"
            }
          },
          "nodes": {
            "type": "object",
            "additionalProperties": {
              "type": "integer"
            }
          },
          "counters": {
            "type": "object",
            "additionalProperties": {
              "type": "integer"
            }
          }
        }
      },
      "JobSummary": {
        "type": "object",
        "required": [
          "id",
          "show",
          "shot",
          "plate",
          "version",
          "state",
          "owner",
          "generator",
          "fps",
          "firstFrame",
          "framesDone",
          "framesTotal",
          "chunks",
          "chunksDone",
          "nodes",
          "submittedAt",
          "priority"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "show": {
            "type": "string"
          },
          "shot": {
            "type": "string"
          },
          "plate": {
            "type": "string"
          },
          "version": {
            "type": "string",
            "example": "v001"
          },
          "state": {
            "$ref": "#/components/schemas/JobState"
          },
          "priority": {
            "type": "integer",
            "minimum": -1000,
            "maximum": 1000,
            "description": "Dispatch priority: higher first, then submission order (0 unless changed)."
          },
          "owner": {
            "type": "string"
          },
          "generator": {
            "type": "string"
          },
          "fps": {
            "type": "string",
            "example": "24000/1001"
          },
          "firstFrame": {
            "type": "integer"
          },
          "framesDone": {
            "type": "integer",
            "minimum": 0
          },
          "framesTotal": {
            "type": "integer",
            "minimum": 0
          },
          "chunks": {
            "type": "integer"
          },
          "chunksDone": {
            "type": "integer"
          },
          "renderFPS": {
            "type": "number",
            "description": "Frames rendered per second of wall time since the job started."
          },
          "etaSeconds": {
            "type": "number"
          },
          "nodes": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "error": {
            "type": "string"
          },
          "published": {
            "type": "string",
            "description": "The published version folder, relative to the storage root."
          },
          "seamScores": {
            "type": "array",
            "items": {
              "type": "number",
              "nullable": true
            }
          },
          "submittedAt": {
            "type": "string",
            "format": "date-time"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "finishedAt": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "JobDetail": {
        "allOf": [
          {
            "$ref": "#/components/schemas/JobSummary"
          },
          {
            "type": "object",
            "required": [
              "tasks",
              "platePath",
              "commands",
              "thumbnails",
              "contactSheet",
              "report"
            ],
            "properties": {
              "tasks": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Task"
                }
              },
              "platePath": {
                "type": "string",
                "nullable": true
              },
              "commands": {
                "type": "object",
                "additionalProperties": {
                  "type": "string"
                },
                "description": "oiiotool, Nuke and Blender lines that open the plates."
              },
              "thumbnails": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "contactSheet": {
                "type": "string",
                "nullable": true
              },
              "report": {
                "type": "string",
                "nullable": true
              }
            }
          }
        ]
      },
      "Task": {
        "type": "object",
        "required": [
          "name",
          "kind",
          "index",
          "state",
          "dependsOn",
          "attempts",
          "framesDone",
          "history"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "kind": {
            "$ref": "#/components/schemas/TaskKind"
          },
          "index": {
            "type": "integer"
          },
          "state": {
            "$ref": "#/components/schemas/TaskState"
          },
          "dependsOn": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "attempts": {
            "type": "integer"
          },
          "node": {
            "type": "string"
          },
          "framesDone": {
            "type": "integer"
          },
          "error": {
            "type": "string"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "endedAt": {
            "type": "string",
            "format": "date-time"
          },
          "durationSeconds": {
            "type": "number"
          },
          "stageSeconds": {
            "$ref": "#/components/schemas/StageSeconds"
          },
          "history": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Attempt"
            }
          }
        }
      },
      "Attempt": {
        "type": "object",
        "required": [
          "task",
          "number",
          "node",
          "startedAt",
          "result"
        ],
        "properties": {
          "task": {
            "type": "string"
          },
          "number": {
            "type": "integer"
          },
          "node": {
            "type": "string"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "endedAt": {
            "type": "string",
            "format": "date-time"
          },
          "durationSeconds": {
            "type": "number"
          },
          "result": {
            "type": "string",
            "enum": [
              "running",
              "done",
              "retried",
              "failed",
              "requeued",
              "cancelled"
            ]
          },
          "error": {
            "type": "string"
          }
        }
      },
      "Node": {
        "type": "object",
        "required": [
          "name",
          "state",
          "connected",
          "drained",
          "slots",
          "running",
          "generators",
          "tasksDone",
          "failures"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "state": {
            "type": "string",
            "enum": [
              "idle",
              "busy",
              "draining",
              "drained",
              "offline"
            ]
          },
          "connected": {
            "type": "boolean"
          },
          "drained": {
            "type": "boolean"
          },
          "slots": {
            "type": "integer"
          },
          "running": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "generators": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "storage": {
            "type": "string",
            "enum": [
              "shared",
              "transfer"
            ]
          },
          "heartbeatAgeSeconds": {
            "type": "number"
          },
          "cores": {
            "type": "integer"
          },
          "memoryBytes": {
            "type": "integer"
          },
          "tasksDone": {
            "type": "integer"
          },
          "failures": {
            "type": "integer"
          }
        }
      },
      "Version": {
        "type": "object",
        "required": [
          "job",
          "show",
          "shot",
          "plate",
          "version",
          "path",
          "frames",
          "firstFrame",
          "publishedAt"
        ],
        "properties": {
          "job": {
            "type": "string"
          },
          "show": {
            "type": "string"
          },
          "shot": {
            "type": "string"
          },
          "plate": {
            "type": "string"
          },
          "version": {
            "type": "string"
          },
          "path": {
            "type": "string"
          },
          "frames": {
            "type": "integer"
          },
          "firstFrame": {
            "type": "integer"
          },
          "publishedAt": {
            "type": "string",
            "format": "date-time",
            "nullable": true
          }
        }
      },
      "ActionResult": {
        "type": "object",
        "required": [
          "message",
          "job"
        ],
        "properties": {
          "message": {
            "type": "string"
          },
          "job": {
            "type": "string",
            "nullable": true
          }
        }
      },
      "StageSeconds": {
        "type": "object",
        "description": "Per-frame stage seconds of the attempt that finished the task, summed over its frames, as its node reported them in RESULT `outcome.timings` (Docs/protocol.md). Absent for tasks whose node sent none.",
        "required": [
          "frames",
          "generateFrames",
          "generateSeconds",
          "convertFrames",
          "convertSeconds",
          "writeSeconds"
        ],
        "properties": {
          "frames": {
            "type": "integer",
            "minimum": 0,
            "description": "Frames timed (final and overlap frames)."
          },
          "generateFrames": {
            "type": "integer",
            "minimum": 0,
            "description": "Frames with a generate time (generate tasks)."
          },
          "generateSeconds": {
            "type": "number",
            "minimum": 0,
            "description": "Seconds in the generator."
          },
          "convertFrames": {
            "type": "integer",
            "minimum": 0,
            "description": "Frames converted by OpenColorIO (final frames)."
          },
          "convertSeconds": {
            "type": "number",
            "minimum": 0
          },
          "writeSeconds": {
            "type": "number",
            "minimum": 0,
            "description": "Seconds writing OpenEXR files."
          }
        }
      },
      "PriorityRequest": {
        "type": "object",
        "required": [
          "priority"
        ],
        "properties": {
          "priority": {
            "type": "integer",
            "minimum": -1000,
            "maximum": 1000,
            "description": "Higher is dispatched first; new jobs have 0."
          }
        }
      }
    }
  }
}
"""#
}
